import { perceptisAdapter } from '../../src/testing/adapters/perceptis.js';
import { modelSuite } from './suite.js';

modelSuite(perceptisAdapter);
