import { depictaUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Depicta', depictaUnderFaults);
