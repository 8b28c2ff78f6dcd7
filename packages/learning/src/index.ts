export { createParameter, assertFiniteGradients } from './optim/parameter.js';
export type { Parameter } from './optim/parameter.js';
export type { Optimizer, OptimizerState, OptimizerKind, ParameterSlotState } from './optim/optimizer.js';
export { Adam } from './optim/adam.js';
export type { AdamOptions } from './optim/adam.js';
export { Sgd } from './optim/sgd.js';
export type { SgdOptions } from './optim/sgd.js';
export type { LrScheduler, LrSchedulerState, LrSchedulerKind } from './schedules/scheduler.js';
export { StepLr } from './schedules/step-lr.js';
export type { StepLrOptions } from './schedules/step-lr.js';
export { CosineAnnealingLr } from './schedules/cosine-annealing-lr.js';
export type { CosineAnnealingLrOptions } from './schedules/cosine-annealing-lr.js';
export { ReduceLrOnPlateau } from './schedules/reduce-lr-on-plateau.js';
export type { ReduceLrOnPlateauOptions } from './schedules/reduce-lr-on-plateau.js';
export { softmaxCrossEntropy } from './losses/softmax-cross-entropy.js';
export { mseCountLoss } from './losses/mse-count-loss.js';
export type { MseCountLossOptions } from './losses/mse-count-loss.js';
export { LifNetwork, lifNetworkLayers } from './bptt/network.js';
export type { LifNetworkOptions, LifNetworkSpec, LifNetworkLayer, LifNetworkOutput, BpttStepResult } from './bptt/network.js';
export { BPTT_LOSS_KINDS } from './bptt/loss.js';
export type { BpttLoss } from './bptt/loss.js';
export { trainEpoch, evaluate, countCorrect } from './bptt/train.js';
export type { BpttBatch, BatchProgress, TrainEpochOptions, EpochResult } from './bptt/train.js';
export {
  IzhikevichNetwork,
  izhikevichNetworkLayers,
  IZHIKEVICH_READOUTS,
  IZHIKEVICH_DEFAULT_CURRENT_SCALE,
  IZHIKEVICH_DEFAULT_SURROGATE_SCALE_MV,
  IZHIKEVICH_DEFAULT_MEMBRANE_FLOOR_MV,
} from './izhikevich/network.js';
export type { IzhikevichNetworkOptions, IzhikevichNetworkSpec, IzhikevichNetworkLayer, IzhikevichNetworkOutput, IzhikevichTrainResult, IzhikevichReadout } from './izhikevich/network.js';
export { RecurrentClassifier, recurrentClassifierLayers, RECURRENT_CLASSIFIER_PARAMETER_NAMES } from './recurrent/classifier.js';
export type { RecurrentStepResult, RecurrentForwardResult, RecurrentDecays } from './recurrent/classifier.js';
export { RECURRENT_NEURON_KINDS, READOUT_REDUCTIONS } from './recurrent/options.js';
export type { RecurrentNeuronKind, ReadoutReduction, RecurrentClassifierOptions, RecurrentClassifierSpec } from './recurrent/options.js';
export { trainRecurrentEpoch, evaluateRecurrent } from './recurrent/train.js';
export type { TrainRecurrentEpochOptions, EvaluateRecurrentOptions, RecurrentEvaluation } from './recurrent/train.js';
export type { WeightArray } from './plasticity/validate.js';
export { pairStdpParams, PairStdp, pairStdpDenseReference } from './plasticity/pair-stdp.js';
export type { PairStdpParams, PairStdpParamsInput, PairStdpState } from './plasticity/pair-stdp.js';
export { diehlCookStdpParams, DiehlCookStdp, diehlCookStdpDenseReference, diehlCookPowerLawDenseReference, powerLawStep } from './plasticity/diehl-cook-stdp.js';
export type { DiehlCookStdpParams, DiehlCookStdpParamsInput, DiehlCookStdpState } from './plasticity/diehl-cook-stdp.js';
export { DelayedDiehlCookSynapses } from './plasticity/delayed-diehl-cook.js';
export type { DelayedDiehlCookState } from './plasticity/delayed-diehl-cook.js';
export { hebbianParams, hebbianUpdate, hebbianUpdateEvents } from './plasticity/hebbian.js';
export type { HebbianParams, HebbianParamsInput } from './plasticity/hebbian.js';
export { normalizeColumns, normalizeColumnsWithSums, normalizeSelectedColumns } from './plasticity/normalize.js';
export { pairStdpKernel, diehlCookStdpKernel, diehlCookPowerLawKernel, hebbianKernel, normalizeColumnsKernel } from './plasticity/kernels.js';
export type {
  PairStdpKernelConstants,
  DiehlCookStdpKernelConstants,
  DiehlCookPowerLawKernelConstants,
  HebbianKernelConstants,
  NormalizeColumnsKernelConstants,
} from './plasticity/kernels.js';
export * from './compose/index.js';
export {
  ConvStdp,
  convergenceMetric,
  convStdpKernel,
  convStdpUpdateReference,
  convStdpUpdateKernel,
  initialConvWeights,
} from './conv-stdp/conv-stdp.js';
export type { ConvStdpOptions, ConvStdpKernelConstants, ConvStdpUpdate, ConvStdpLayer } from './conv-stdp/conv-stdp.js';
export { decisionMap, classOf, isTargetNeuron, targetNeurons } from './supervised-stdp/decision-map.js';
export type { DecisionMap } from './supervised-stdp/decision-map.js';
export { stdpRowUpdate } from './supervised-stdp/stdp-row.js';
export type { StdpWindow } from './supervised-stdp/stdp-row.js';
export { S2Stdp, RStdp, S4nn, s2stdpErrors } from './supervised-stdp/rules.js';
export type { SupervisedRule, ForwardResult, RuleTarget, StdpRates, S2StdpOptions, RStdpOptions, S4nnOptions } from './supervised-stdp/rules.js';
export { CompetitionRegulation, CompetitionRegulationOne, noRegulation } from './supervised-stdp/competition.js';
export type { ThresholdRegulator, LayerThresholds, CompetitionOptions } from './supervised-stdp/competition.js';
export { dropoutMask } from './supervised-stdp/dropout.js';
export { FirstSpikeReadout } from './supervised-stdp/readout.js';
export type { FirstSpikeReadoutOptions, FirstSpikeSamples, EpochStats } from './supervised-stdp/readout.js';
