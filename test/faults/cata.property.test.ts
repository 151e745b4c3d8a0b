import { cataUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Cata', cataUnderFaults);
