export { fastSigmoid, atan, sigmoid, straightThrough, triangular, surrogateFromSpec } from './surrogate/surrogate.js';
export type { SurrogateFunction, SurrogateName, SlopeOptions, AtanOptions, TriangularOptions } from './surrogate/surrogate.js';
export { lifParams, RESET_MECHANISMS } from './lif/params.js';
export type { LifParams, LifParamsInput, ResetMechanism } from './lif/params.js';
export { lifStep, lifInitialState, Leaky } from './lif/step.js';
export type { LifState, LifStepResult } from './lif/step.js';
export { lifKernel, lifKernelReference, lifKernelConstants, lifStepKernel } from './lif/kernel.js';
export type { LifKernelConstants } from './lif/kernel.js';
export { createDense } from './dense/dense.js';
export type { DenseLayer, DenseOptions } from './dense/dense.js';
export { denseForward, denseForwardEvents } from './dense/forward.js';
export { denseKernel, denseKernelReference, denseForwardKernel } from './dense/kernel.js';
export type { DenseKernelConstants } from './dense/kernel.js';
export { izhikevichParams, IZHIKEVICH_PRESETS, IZHIKEVICH_INTEGRATIONS } from './izhikevich/params.js';
export type { IzhikevichParams, IzhikevichParamsInput, IzhikevichPreset, IzhikevichPresetName, IzhikevichIntegration } from './izhikevich/params.js';
export { izhikevichStep, izhikevichInitialState, Izhikevich } from './izhikevich/step.js';
export type { IzhikevichState, IzhikevichStepResult } from './izhikevich/step.js';
export { izhikevichKernel, izhikevichKernelReference, izhikevichKernelConstants, izhikevichStepKernel } from './izhikevich/kernel.js';
export type { IzhikevichKernelConstants } from './izhikevich/kernel.js';
export { alifParams } from './alif/params.js';
export type { AlifParams, AlifParamsInput } from './alif/params.js';
export { alifStep, alifInitialState, AdaptiveLeaky } from './alif/step.js';
export type { AlifState, AlifStepResult } from './alif/step.js';
export { alifKernel, alifKernelReference, alifKernelConstants, alifStepKernel } from './alif/kernel.js';
export type { AlifKernelConstants } from './alif/kernel.js';
export { recurrentCurrent, recurrentCurrentEvents } from './recurrent/recurrent.js';
export { recurrentKernel, recurrentKernelReference, recurrentCurrentKernel } from './recurrent/kernel.js';
export type { RecurrentKernelConstants } from './recurrent/kernel.js';
export { liParams, liStep, liInitialState } from './leaky-integrator/leaky-integrator.js';
export type { LiParams, LiParamsInput, LiState } from './leaky-integrator/leaky-integrator.js';
export { liKernel, liKernelReference, liStepKernel } from './leaky-integrator/kernel.js';
export type { LiKernelConstants } from './leaky-integrator/kernel.js';
export { conductanceLifParams, checkConductanceLifDt, DIEHL_COOK_EXCITATORY, DIEHL_COOK_INHIBITORY } from './conductance-lif/params.js';
export type { ConductanceLifParams, ConductanceLifParamsInput } from './conductance-lif/params.js';
export {
  conductanceLifInitialState,
  cloneConductanceLifState,
  checkConductanceLifState,
  conductanceLifStepInPlace,
  conductanceLifStepSubset,
  conductanceLifStep,
} from './conductance-lif/step.js';
export type { ConductanceLifState, ConductanceLifStepResult } from './conductance-lif/step.js';
export {
  conductanceLifKernel,
  conductanceLifKernelReference,
  conductanceLifKernelConstants,
  conductanceLifStepKernel,
} from './conductance-lif/kernel.js';
export type { ConductanceLifKernelConstants } from './conductance-lif/kernel.js';
export { convIfParams } from './conv-if/params.js';
export type { ConvIfParams, ConvIfParamsInput } from './conv-if/params.js';
export { convIfKernel, convIfKernelReference, convIfKernelConstants, convIfStepKernel } from './conv-if/kernel.js';
export type { ConvIfKernelConstants } from './conv-if/kernel.js';
export {
  lateralInhibitionKernel,
  lateralInhibitionReference,
  lateralInhibitionStepKernel,
  checkInhibitionRadius,
} from './conv-if/inhibition.js';
export type { LateralInhibitionConstants } from './conv-if/inhibition.js';
export { spikingPoolParams, spikingPoolKernel, spikingPoolReference, spikingPoolStepKernel, SpikingPool } from './conv-if/pool.js';
export type { SpikingPoolParams, SpikingPoolConstants } from './conv-if/pool.js';
export { SpikingConvLayer } from './conv-if/layer.js';
export { SpikingConvKernelLayer, SpikingPoolKernelLayer } from './conv-if/kernel-layer.js';
export type { ConvStepResult } from './conv-if/layer.js';
export { singleSpikeForward, singleSpikeOutput, checkSingleSpikeLayer, firingOrder, firstToFire } from './single-spike/single-spike.js';
export type { SingleSpikeLayer, SingleSpikeOutput, SingleSpikeMasks } from './single-spike/single-spike.js';
