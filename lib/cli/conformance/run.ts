/** The order in which p1rx conformance runs its checks. */
/**
 * The order of `p1rx conformance`: each documented endpoint called once, its body compared
 * strictly with the vendor's Japanese page, documented errors provoked on purpose, and (with
 * `--train`, `--deploy`) a training and a deployment; everything the run creates is deleted.
 *
 * @packageDocumentation
 */
import { apiKeyCheck, classifiersCheck, columnInfoCheck, errorChecks, listingChecks, PAGE, THREE_ROWS, uploadCheck, untrainedStatusCheck } from './checks';
import { cleanUp, modelIdByName } from './cleanup';
import { Run, type CheckReport, type CheckResult, type ConformanceOptions } from './driver';
import { deployChecks, retrainUploadCheck, trainChecks } from './training';
import type { RunVersions } from './versions';

export type { CheckReport, CheckResult, ConformanceOptions } from './driver';

/** The whole run. @internal */
export interface ConformanceReport {
  readonly service: string;
  readonly train: boolean;
  readonly deploy: boolean;
  readonly versions?: RunVersions;
  readonly checks: readonly CheckReport[];
  readonly summary: { readonly ok: number; readonly failed: number; readonly skipped: number; readonly notChecked: number; readonly rateLimited: number };
}

/** Options of a run, with what only the CLI knows. @internal */
export interface RunOptions extends ConformanceOptions {
  /** The source a `--deploy` classifier allows (CIDR); default `127.0.0.1/32` for a loopback service. */
  readonly deploySource?: string;
  readonly versions?: RunVersions;
}

const RETRAIN_KEY = 'GET /v1/external/api-key (retrain)';

/**
 * Runs the checks against a live service (or the emulator). By default: keys, the listings, the
 * documented errors provoked on purpose (wrong key, unknown id, bad credential type), an upload
 * of three rows with its column information and untrained status, the classifier list; then
 * the data set that upload made is deleted. With `train`, a tiny training in both config forms,
 * its result and the retrain upload URL; with `deploy`, a classifier, one inference, its
 * deletion. The run's models and data sets are deleted at the end.
 *
 * @internal
 */
export async function runConformance(options: RunOptions): Promise<ConformanceReport & { secrets: readonly string[] }> {
  const run = new Run(options);
  const issuedTrain = await apiKeyCheck(run, 'train');
  const issuedDeploy = await apiKeyCheck(run, 'deploy');
  const trainKey = issuedTrain ?? options.apiKey;
  const deployKey = issuedDeploy ?? options.apiKey;
  const firstModelId = trainKey === undefined ? undefined : await listingChecks(run, trainKey);
  await errorChecks(run, trainKey);

  const retrainModel = options.modelId ?? firstModelId;
  if (options.train === true && trainKey !== undefined) {
    // Asked with the retrain upload URL, for the model the training makes.
  } else if (options.secretKey !== undefined && retrainModel === undefined) {
    run.skip(RETRAIN_KEY, PAGE.apiKey, trainKey === undefined ? 'no model could be listed: give --model-id' : 'no model in the account: give --model-id');
  } else {
    await apiKeyCheck(run, 'retrain', retrainModel);
  }

  if (trainKey === undefined) {
    run.skip('(everything else)', undefined, 'no train key: give --api-key, or a --secret-key whose train key works');
  } else {
    const dataSetsBefore = await run.listTail('/v1/external/data-sets', 'data_sets', trainKey);
    const uploaded = await uploadCheck(run, '', trainKey, THREE_ROWS);
    if (uploaded === undefined) {
      run.skip('GET /v1/external/data-sets/column-info', PAGE.columnInfo, 'the upload did not go through');
      run.skip('GET /v1/external/models/results (uploaded, not trained)', PAGE.status, 'the upload did not go through');
    } else {
      await columnInfoCheck(run, trainKey, uploaded);
      await untrainedStatusCheck(run, trainKey, uploaded);
    }
    if (deployKey === undefined) run.skip('GET /v1/external/classifiers', PAGE.classifiers, 'no deploy key (Get API Key with credential_type=deploy failed)');
    else await classifiersCheck(run, deployKey, issuedDeploy !== undefined);

    const runName = `p1rx-conformance-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    let names: string[] = [];
    let trainedId: number | undefined;
    if (options.train) {
      const trained = await trainChecks(run, trainKey, runName);
      names = trained.names;
      trainedId = trained.trained === undefined ? undefined : await modelIdByName(run, trainKey, trained.trained);
      if (trainedId === undefined) run.skip(RETRAIN_KEY, PAGE.apiKey, 'the training made no model');
      else await retrainUploadCheck(run, trainedId);
    }
    if (options.deploy) await deploy(run, options, deployKey, trainedId ?? options.modelId);
    await cleanUp(run, trainKey, names, dataSetsBefore);
  }

  const count = (r: CheckResult) => run.checks.filter((c) => c.result === r).length;
  return {
    service: options.baseUrl,
    train: options.train === true,
    deploy: options.deploy === true,
    versions: options.versions,
    checks: run.checks,
    summary: { ok: count('ok'), failed: count('fail'), skipped: count('skipped'), notChecked: count('empty'), rateLimited: run.rateLimited },
    secrets: run.secrets,
  };
}

/** `--deploy`, when it has a model, a deploy key and a source to allow. */
async function deploy(run: Run, options: RunOptions, deployKey: string | undefined, modelId: number | undefined): Promise<void> {
  const endpoint = 'POST /v1/external/classifiers';
  const source = options.deploySource ?? (isLoopback(options.baseUrl) ? '127.0.0.1/32' : undefined);
  if (modelId === undefined) run.skip(endpoint, PAGE.createClassifier, 'no model to deploy: add --train, or give --model-id');
  else if (deployKey === undefined) run.skip(endpoint, PAGE.createClassifier, 'no deploy key');
  else if (source === undefined) run.skip(endpoint, PAGE.createClassifier, 'give --deploy-source <your address>/32: the classifier allows only that source');
  else await deployChecks(run, deployKey, modelId, source);
}

function isLoopback(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}
