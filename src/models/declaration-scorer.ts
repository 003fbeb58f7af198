/**
 * The active model as import declarations see it: a declaration becomes the model's rows (one per
 * goods item, through the KCS adapter), the riskiest item's probability is the declaration's, and the
 * features that pushed it up are said in words for the officer.
 */
import type { DeclarationScorer } from '../import-declarations/index.ts';
import { declarationToKcsRows } from '../kcs/index.ts';
import { describeVerdict, judgeDeclaration } from './model-explain.ts';
import type { ModelStore } from './model.store.ts';

export function modelScorer(store: ModelStore): DeclarationScorer {
  return {
    async score(authority, id, declaration) {
      const active = await store.active(authority);
      if (active === undefined) {
        return undefined;
      }
      const verdict = judgeDeclaration(active.model, declarationToKcsRows(id, declaration));
      return {
        modelVersion: active.version,
        probability: verdict.probability,
        explanation: describeVerdict(active.version, verdict),
      };
    },
  };
}
