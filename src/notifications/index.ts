/** The filer's notification feed: outcomes as they are decided or revised. Routes are mounted by api/. */
export * from './notification.repository.ts';
export * from './notification.service.ts';
