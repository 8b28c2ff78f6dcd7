import { defineConfig } from 'vite';

// gpu.js compiles kernels from fn.toString(): keep the code as the packages built it
// (no minification, a modern target), see docs/backends.md.
export default defineConfig({
  base: './',
  build: { target: 'es2022', minify: false, outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
