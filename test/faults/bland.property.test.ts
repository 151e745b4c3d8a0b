import { chartUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Bland', chartUnderFaults('bland'));
