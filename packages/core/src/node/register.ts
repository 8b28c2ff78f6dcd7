import { headlessGlProblem } from '../backend/headless-gl.js';
import { installNodeBackendHooks } from '../backend/platform.js';
import { nodeWebGpuLoader } from '../backend/webgpu-node.js';

// Side effect of every Node entry: the backends that need Node's module loader and files.
installNodeBackendHooks({ headlessGlProblem, webGpuLoader: nodeWebGpuLoader });
