/**
 * The noisy-rule cap: rules whose selections take more than their share of an office's control
 * capacity, or whose controls find too little, are capped (their hits alone no longer select) and
 * their authors told; analysts lift caps. Routes are mounted by api/; the schedule is started by app/.
 */
export * from './rule-cap-decision.ts';
export * from './rule-cap.repository.ts';
export * from './rule-cap.service.ts';
