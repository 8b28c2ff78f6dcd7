// Prints "<passed> <failed>" from a vitest JSON report (0 1 when it is missing:
// a run that wrote no report has failed).
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? '.vitest/results.json';
try {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  console.log(`${report.numPassedTests} ${report.numFailedTests}`);
} catch (error) {
  console.error(`vitest-summary: cannot read ${path}: ${error.message}`);
  console.log('0 1');
}
