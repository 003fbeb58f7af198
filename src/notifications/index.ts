/**
 * The filer's notifications: the feed of outcomes, amendment results and invalidations, and the same
 * events pushed to webhook endpoints (signed, retried, replayable) or streamed as server-sent events.
 * Routes are mounted by api/; the delivery loop is started by app/.
 */
export * from './notification.repository.ts';
export * from './notification.service.ts';
export * from './webhook-events.ts';
export * from './webhook.repository.ts';
export * from './webhook.service.ts';
export * from './webhook.dispatcher.ts';
export * from './webhook-sender.ts';
export * from './webhook-url.ts';
export * from './webhook-verify.ts';
export * from './staff-notice.repository.ts';
export * from './staff-notice.service.ts';
