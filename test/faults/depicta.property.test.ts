import { chartUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Depicta', chartUnderFaults('depicta'));
