import { adapterFor } from '../../src/testing/index.js';
import { modelSuite } from './suite.js';

modelSuite(adapterFor('perceptis'));
