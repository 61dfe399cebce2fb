import { workerData } from 'piscina';
import type { SignatureStore } from '../quality/dedup';
import { ConversationWork, type BatchResult } from './conversationWork';
import type { WorkerData, WorkerTask } from './conversationPool';
import { preprocessStages } from './pipelineStages';
import { useRankTable } from '../tokenizer/rankTable';
import { useLanguageModel } from '../language/model';

/**
 * A preprocessing worker thread (piscina): builds the quality stages from the coordinating
 * thread's settings once, then runs batches of conversations through them. Duplicate search
 * never runs here (it is ordered), so the signature store is one that refuses to be used.
 */
const refusing: SignatureStore = {
  findExact: () => Promise.reject(new Error('duplicate search runs on the coordinating thread, not on a worker')),
  findByBands: () => Promise.reject(new Error('duplicate search runs on the coordinating thread, not on a worker')),
  add: () => Promise.reject(new Error('duplicate search runs on the coordinating thread, not on a worker')),
};

let work: ConversationWork | undefined;

export default async function runBatch(task: WorkerTask): Promise<BatchResult> {
  if (!work) {
    const recipe = workerData as WorkerData;
    for (const table of recipe.rankTables) useRankTable(table);
    useLanguageModel(recipe.languageModel);
    work = new ConversationWork({
      stages: preprocessStages({ quality: recipe.quality, signatures: refusing }),
      builder: recipe.builder,
      timings: recipe.timings,
      transfer: true,
    });
  }
  return 'lines' in task ? work.runLines(task.lines) : work.run(task.conversations);
}
