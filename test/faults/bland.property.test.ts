import { blandUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Bland', blandUnderFaults);
