/** `jobcharts/simulator`: the simulated providers, for your own app's tests. */
export { startSimulator, type Simulator, type SimulatorOptions, type RequestLogEntry } from './server.js';
export {
  PerceptisSim,
  PERCEPTIS_TEST_KEY,
  PERCEPTIS_INELIGIBLE_KEY,
  perceptisDefaultScript,
  type PerceptisScript,
  type PerceptisStatusStep,
  type PerceptisSimOptions,
} from '../providers/perceptis/simulator.js';
export {
  Markdown2pdfSim,
  markdown2pdfDefaultScript,
  MARKDOWN2PDF_PAYMENT_REQUEST_PATH,
  type Markdown2pdfScript,
  type Markdown2pdfStatusStep,
  type Markdown2pdfSimOptions,
} from '../providers/markdown2pdf/simulator.js';
export { BlandSim, BLAND_TEST_KEY, blandDefaultScript, type BlandScript, type BlandStatusStep, type BlandSimOptions } from '../providers/bland/simulator.js';
export {
  DepictaSim,
  DEPICTA_TEST_KEY,
  DEPICTA_NO_CREDIT_KEY,
  DEPICTA_UNVERIFIED_KEY,
  DEPICTA_SUSPENDED_KEY,
  DEPICTA_STORY_MODEL,
  DEPICTA_SINGLE_TURN_MODEL,
  depictaDefaultScript,
  type DepictaScript,
  type DepictaStatusStep,
  type DepictaHoldStep,
  type DepictaCreateStep,
  type DepictaSimOptions,
} from '../providers/depicta/simulator.js';
export {
  CataSim,
  CATA_TEST_KEY,
  cataDefaultScript,
  cataClarifyOnceScript,
  cataClarifyTwiceScript,
  type CataScript,
  type CataStatusStep,
  type CataSimStage,
  type CataSimTest,
  type CataRespondStep,
  type CataAnswerReceived,
  type CataSimOptions,
} from '../providers/cata/simulator.js';
export { ScriptPlayer, ScriptQueue, sharedStepAnswer, type JobScript, type ScriptStep, type TimedStep } from './script.js';
/** For a simulated provider of your own (`defineProvider({ simulator })`): its routes, what they see and answer. */
export { json, header, type SimRoute, type SimRequest, type SimAnswer, type WireFault, type BodyFault } from './http.js';
export type { RegisteredSims, RegisteredSimOptions } from './server.js';
/** `Simulator.faults`: faults for the next matching requests, whatever the provider. */
export type { FaultPlan, FaultRule, PlannedFault, PlannedRetryAfter } from './faults.js';
export { KeyLimits, type KeyLimit } from './ratelimit.js';
