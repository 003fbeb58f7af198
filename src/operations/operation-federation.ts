/**
 * Joint operations across nodes (issue 11, docs/federation.md): when the coordinator and a
 * participant run different nodes, the operation, the participant's acceptance, the channel's
 * messages and the participant's own figures travel as federation messages. The coordinator's node
 * sends the operation to each remote participant's node (its criteria become rules there when the
 * participant accepts, as on one node); the participant's node sends back its acceptance and, on a
 * schedule, its figures for the pooled results (computed where its data is: counts and amounts only);
 * every member's node sends its messages to the others. A peer acts only for itself.
 */
import { z } from 'zod';
import { VigilError } from '../errors/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Queryable } from '../store/database.ts';
import { parseFederated } from '../cooperation/index.ts';
import type { Applied, ApplyFederated, DirectoryEntry } from '../cooperation/index.ts';
import {
  criterionSchema,
  messageSchema,
  operationScopeSchema,
  participantFiguresSchema,
} from './operation.schema.ts';
import type { OperationRepository, StoredOperation } from './operation.repository.ts';

const storedOperationSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  kind: z.enum(['pca', 'jco']),
  title: z.string().min(1).max(200),
  objective: z.string().max(4000),
  coordinator: z.string(),
  scope: operationScopeSchema,
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  interimReview: z.iso.datetime({ offset: true }),
  criteria: z.array(criterionSchema).min(1).max(50),
  participantCodes: z.array(z.string()).min(1).max(50),
  createdBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
const liaisonSchema = z.record(z.string(), z.array(z.unknown()));
const createdBody = z.strictObject({ operation: storedOperationSchema, liaison: liaisonSchema });
const acceptedBody = z.strictObject({
  operation: z.string(),
  authority: z.string(),
  by: z.string(),
  at: z.iso.datetime({ offset: true }),
});
const messageBody = z.strictObject({ message: messageSchema });
const figuresBody = z.strictObject({
  operation: z.string(),
  figures: participantFiguresSchema,
  asOf: z.iso.datetime({ offset: true }),
});

export type FederatedOperationKind =
  'operation.created' | 'operation.accepted' | 'operation.message' | 'operation.figures';

export interface OperationFederationDeps {
  readonly repo: OperationRepository;
  readonly directory: (q: Queryable) => Promise<ReadonlyMap<string, DirectoryEntry>>;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
}

export class OperationFederation {
  readonly #d: OperationFederationDeps;

  constructor(deps: OperationFederationDeps) {
    this.#d = deps;
  }

  /** Applies a verified operation message from peer `from` (see FederatedCooperation.receive). */
  readonly receive: ApplyFederated = async (tx, from, kind, body, at, peers) => {
    const directory = await this.#d.directory(tx);
    const local = (code: string): boolean => !peers.has(code) && directory.has(code);
    switch (kind as FederatedOperationKind) {
      case 'operation.created':
        return this.#created(tx, from, parseFederated(createdBody, body, 'operation message'), at, local);
      case 'operation.accepted': {
        const b = parseFederated(acceptedBody, body, 'acceptance message');
        const op = await this.#coordinatedHere(tx, b.operation, local);
        this.#self(from, b.authority, op);
        await this.#d.repo.accept(tx, op.id, from, [], `peer:${from}:${b.by}`, new Date(b.at));
        return { authorities: [op.coordinator], ref: `operation:${op.id}:accepted:${from}` };
      }
      case 'operation.message': {
        const { message } = parseFederated(messageBody, body, 'operation channel message');
        const op = await this.#d.repo.get(tx, message.operation);
        if (op === undefined) {
          throw new VigilError('VIGIL_OPERATION_NOT_FOUND', `no operation ${message.operation} on this node`);
        }
        this.#self(from, message.from, op);
        await this.#d.repo.insertMessage(tx, message, op.coordinator);
        return {
          authorities: [op.coordinator, ...op.participantCodes].filter(local),
          ref: `operation:${op.id}:message:${message.id}`,
        };
      }
      case 'operation.figures': {
        const b = parseFederated(figuresBody, body, 'figures message');
        const op = await this.#coordinatedHere(tx, b.operation, local);
        this.#self(from, b.figures.authority, op);
        await this.#d.repo.setRemoteFigures(tx, op.id, from, b.figures, new Date(b.asOf));
        return { authorities: [op.coordinator], ref: `operation:${op.id}:figures:${from}` };
      }
      default:
        throw new VigilError('VIGIL_FEDERATION_INVALID', `operations do not take '${kind}' messages`);
    }
  };

  /** `from` speaks for `who`, a member of `op`: or the message is refused as forged. */
  #self(from: string, who: string, op: StoredOperation): void {
    if (who !== from || !(op.coordinator === from || op.participantCodes.includes(from))) {
      throw new VigilError('VIGIL_FEDERATION_FORGED', `${from} may not act as ${who} in operation ${op.id}`);
    }
  }

  async #coordinatedHere(
    tx: Queryable,
    id: string,
    local: (code: string) => boolean,
  ): Promise<StoredOperation> {
    const op = await this.#d.repo.get(tx, id);
    if (op === undefined || !local(op.coordinator)) {
      throw new VigilError('VIGIL_OPERATION_NOT_FOUND', `no operation ${id} is coordinated on this node`);
    }
    return op;
  }

  async #created(
    tx: Queryable,
    from: string,
    b: z.infer<typeof createdBody>,
    at: Date,
    local: (code: string) => boolean,
  ): Promise<Applied> {
    const op = b.operation as StoredOperation;
    if (op.coordinator !== from) {
      throw new VigilError(
        'VIGIL_FEDERATION_FORGED',
        `${from} sent operation ${op.id} coordinated by ${op.coordinator}`,
      );
    }
    const mine = op.participantCodes.filter(local);
    if (mine.length === 0) {
      throw new VigilError(
        'VIGIL_FEDERATION_MISADDRESSED',
        `operation ${op.id} names no authority of this node (${op.participantCodes.join(', ')})`,
      );
    }
    const existing = await this.#d.repo.get(tx, op.id);
    if (existing !== undefined && existing.coordinator !== from) {
      throw new VigilError('VIGIL_FEDERATION_FORGED', `operation ${op.id} here is ${existing.coordinator}'s`);
    }
    if (existing === undefined) {
      await this.#d.repo.insert(
        tx,
        op,
        new Map(Object.entries(b.liaison)) as Parameters<OperationRepository['insert']>[2],
      );
      for (const code of mine) {
        await this.#d.audit?.append(tx, {
          authority: code,
          actor: `peer:${from}`,
          action: 'operation.created',
          subject: `operation:${op.id}`,
          details: {
            coordinator: from,
            kind: op.kind,
            title: op.title,
            start: op.start,
            end: op.end,
            via: 'federation',
          },
          at,
        });
      }
    }
    return { authorities: mine, ref: `operation:${op.id}` };
  }
}
