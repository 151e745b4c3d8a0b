import { chartUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Cata', chartUnderFaults('cata'));
