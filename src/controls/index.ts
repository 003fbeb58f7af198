/** Controls: control tasks for offices, officers' results, and the feedback they give the risk engine. Routes are mounted by api/. */
export * from './control.schema.ts';
export * from './control-due.ts';
export * from './control.repository.ts';
export * from './control.service.ts';
