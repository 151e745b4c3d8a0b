import { perceptisAdapter } from '../../src/providers/perceptis/testing.js';
import { modelSuite } from './suite.js';

modelSuite(perceptisAdapter);
