import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    perceptis: 'src/perceptis.ts',
    bland: 'src/bland.ts',
    simulator: 'src/simulator/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: true,
});
