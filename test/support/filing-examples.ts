/**
 * Examples of each filing type and the rule cases: the conformance kit's generators
 * (src/conformance/filing-examples.ts), shared with the tests.
 */
export * from '../../src/conformance/filing-examples.ts';
