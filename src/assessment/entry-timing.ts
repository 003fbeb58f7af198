/**
 * The mode, office and loading state an entry outcome is decided on, for any filing of the ENS model
 * (issue 17). A filing with an active means of transport gives them itself. One without (a house-level
 * part filed by a forwarder, an air or express pre-loading set) is assessed with its filing type's mode;
 * a pre-loading set is, by definition, lodged before loading, and any other filing without its own
 * departure time counts as loaded (do-not-load and screening outcomes then need the transport's times).
 * A house-level part without transport that is linked to its master takes the master's transport
 * (`masterTransport`): its departure decides whether the goods are still before loading.
 * The office is the office of first entry, else the addressed member state. Pure.
 */
import { FILING_TYPES, modeOf } from '../domain/index.ts';
import type { Filing, Transport } from '../domain/index.ts';

export interface EntryTiming {
  readonly mode: string;
  readonly officeOfFirstEntry: string;
  readonly preLoading: boolean;
}

export function entryTimingOf(filing: Filing, at: Date, masterTransport?: Transport): EntryTiming {
  const t = filing.transport ?? masterTransport;
  const departure = t === undefined ? undefined : Date.parse(t.actualDeparture ?? t.estimatedDeparture ?? '');
  return {
    mode: modeOf(filing) ?? '',
    officeOfFirstEntry: filing.officeOfFirstEntry ?? filing.addressedMemberState ?? '',
    preLoading:
      departure !== undefined
        ? at.getTime() < departure
        : FILING_TYPES.get(filing.filingType)?.part === 'pre-loading',
  };
}
