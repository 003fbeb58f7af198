/**
 * Entry timing of a filing without its own transport (issue 17): a house part linked to its master
 * takes the master's transport times; unlinked, it counts as loaded; a pre-loading set is before
 * loading by definition.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Filing, Transport } from '../domain/index.ts';
import { entryTimingOf } from './entry-timing.ts';

const at = new Date('2027-03-01T12:00:00Z');
const house = {
  filingType: 'F15',
  addressedMemberState: 'NL',
  consignments: [],
} as unknown as Filing;
const masterTransport = (departure: string): Transport => ({
  mode: 'maritime',
  estimatedDeparture: departure,
  estimatedArrival: '2027-03-20T12:00:00Z',
  routing: ['CN', 'NL'],
});

test('a house part without transport takes its linked master’s departure for the pre-loading decision', () => {
  assert.equal(entryTimingOf(house, at, masterTransport('2027-03-02T00:00:00Z')).preLoading, true);
  assert.equal(entryTimingOf(house, at, masterTransport('2027-02-28T00:00:00Z')).preLoading, false);
  assert.equal(entryTimingOf(house, at).preLoading, false, 'unlinked: counts as loaded');
  assert.equal(entryTimingOf(house, at).mode, 'maritime');
  assert.equal(entryTimingOf(house, at).officeOfFirstEntry, 'NL');
});

test('a pre-loading set without transport is before loading; a filing’s own transport wins over the master’s', () => {
  assert.equal(entryTimingOf({ ...house, filingType: 'F23' }, at).preLoading, true);
  const own = { ...house, transport: masterTransport('2027-02-28T00:00:00Z') } as Filing;
  assert.equal(entryTimingOf(own, at, masterTransport('2027-03-02T00:00:00Z')).preLoading, false);
});
