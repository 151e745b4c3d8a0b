import { perceptisUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Perceptis', perceptisUnderFaults);
