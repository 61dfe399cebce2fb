// A tuneloop process that is killed (SIGKILL, no clean-up) at one chosen point, for the fault
// tests: the real preprocessing and job loop from dist/ (npm test builds it first) against the
// test's Azurite and emulator. The only thing added is the kill, right after or before one call.
// Usage: node crashChild.js shard-before-receipt <blob name> | job-created-before-recorded <message json>
const path = require('node:path');
const dist = path.resolve(__dirname, '..', '..', 'dist', 'src');
const { loadSettings } = require(path.join(dist, 'shared/config/settings'));
const { createRuntime } = require(path.join(dist, 'shared/composition/runtime'));
const { createStorageClients } = require(path.join(dist, 'shared/storage/clients'));
const { TABLES } = require(path.join(dist, 'shared/storage/names'));

function die() {
  process.kill(process.pid, 'SIGKILL');
  return new Promise(() => undefined);
}

async function main() {
  const [mode, arg] = process.argv.slice(2);
  const settings = loadSettings(process.env);
  const storage = createStorageClients({ connectionString: settings.TUNELOOP_STORAGE });
  const runtime = createRuntime(settings, { storage });
  if (mode === 'shard-before-receipt') {
    const receipts = storage.table(TABLES.blobReceipts);
    const upsert = receipts.upsertEntity.bind(receipts);
    // The shard, quarantine and report are committed by the time the receipt says processed.
    receipts.upsertEntity = (entity, ...rest) => (entity.status === 'processed' ? die() : upsert(entity, ...rest));
    const { preprocessBlob } = require(path.join(dist, 'shared/dataset/blobPreprocess'));
    await preprocessBlob(runtime, arg);
  } else if (mode === 'job-created-before-recorded') {
    const client = runtime.fineTune.client;
    const create = client.createJob.bind(client);
    // The service has the job; the job table does not know its id yet.
    client.createJob = async (...args) => {
      await create(...args);
      return die();
    };
    const { handleJobMessage } = require(path.join(dist, 'shared/finetune/loop'));
    await handleJobMessage(runtime, JSON.parse(arg), { leaseMs: 2000, fileWaitMs: 60000 });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  console.log('finished without reaching the crash point');
}

main().catch((err) => {
  console.error(err);
  process.exit(3);
});
