export {
  SnnError,
  ValidationError,
  ShapeError,
  FileFormatError,
  ChecksumError,
  BackendError,
  CheckpointError,
  NumericError,
  describeValue,
} from './errors/errors.js';
export type { ErrorLocation, ErrorDetails } from './errors/errors.js';
export { tensor, zeros, full, reshape, shapeSize, assertShape, assertFinite } from './tensor/tensor.js';
export type { Tensor } from './tensor/tensor.js';
export { Rng } from './rng/rng.js';
export type { RngState } from './rng/rng.js';
export { denseToSparse, sparseToDense } from './spikes/sparse-spikes.js';
export type { SparseSpikes } from './spikes/sparse-spikes.js';
export { resolveBackendRequest, BACKEND_REQUESTS, BACKEND_ENV_VAR } from './backend/names.js';
export type { BackendName, BackendRequest } from './backend/names.js';
export { createBackend } from './backend/create.js';
export type { Backend, KernelFunction, KernelOutput, KernelRunner, KernelSettings, KernelThis } from './backend/backend.js';
export { flattenKernelOutput, kernelInput } from './backend/kernel-data.js';
export type { KernelInput } from './backend/kernel-data.js';
export { scaleAdd } from './scale-add/scale-add.js';
export { scaleAddKernel } from './scale-add/kernel.js';
export { scaleAddReference } from './scale-add/reference.js';
export type { NdArray, NumericArray, ReadOptions } from './io/nd-array.js';
export { encodeNpy, decodeNpy } from './io/npy.js';
export type { NpyArray, NpyDtype } from './io/npy.js';
export { encodeSafetensors, decodeSafetensors } from './io/safetensors.js';
export type { SafetensorsContent, SafetensorsDtype, SafetensorsTensor } from './io/safetensors.js';
export { parsePickle, PickleError, PICKLE_ALLOWED_GLOBALS } from './io/pickle/read.js';
export type { ParsePickleOptions } from './io/pickle/read.js';
export { encodePickle } from './io/pickle/write.js';
export { pickleArrayNumbers, decodeNpyObject, encodeNpyObject } from './io/pickle/numpy.js';
export { isPickleDict, isPickleTuple, isPickleNdArray, describePickleValue } from './io/pickle/values.js';
export type { PickleValue, PickleTuple, PickleDict, PickleDtype, PickleDtypeField, PickleNdArray } from './io/pickle/values.js';
export { WASM_TYPE, compileWasm, instantiateWasm, sleb, uleb, wasmFunctionBody, wasmModuleBytes, wasmOp, wasmRowLoop } from './wasm/writer.js';
export type { WasmFunction, WasmInstance, WasmMemory, WasmModule } from './wasm/writer.js';
