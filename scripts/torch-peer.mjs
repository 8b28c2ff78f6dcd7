// The environment the benches run their PyTorch peers in, shared by every bench that prints a ratio to PyTorch.
//
// Debian's python3-torch does its matrix products in OpenBLAS. With the default pthread build of OpenBLAS, its
// threads and PyTorch's own OpenMP threads both take the two cores, and the peer runs several times slower
// (measured here: the tutorial-5 peer at 230–250 training images/s with libopenblas0-pthread against 1,000 with
// libopenblas0-openmp, same machine, same hour). A ratio against that peer would flatter us, so the benches
// skip the peer, saying why, when the OpenMP build is missing.
import { existsSync } from 'node:fs';

/** Where Debian's libopenblas0-openmp puts its libopenblas.so.0 (`LD_LIBRARY_PATH` selects it over the pthread build). */
export const OPENMP_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

/** The process environment for a PyTorch peer: the current one with the OpenMP OpenBLAS first on the library path. */
export function torchPeerEnv() {
  const paths = [OPENMP_BLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean);
  return { ...process.env, LD_LIBRARY_PATH: paths.join(':') };
}

/** Why a timed PyTorch peer must not run here (a sentence), or null when it may. */
export function torchPeerTimingProblem() {
  if (existsSync(OPENMP_BLAS_DIR)) return null;
  return `${OPENMP_BLAS_DIR} is missing (apt-get install libopenblas0-openmp): with the pthread OpenBLAS, PyTorch oversubscribes the cores and runs several times slower, so the ratio would mislead`;
}
