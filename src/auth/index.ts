/** Authentication: bearer tokens bound to this instance. */
export * from './token.service.ts';
