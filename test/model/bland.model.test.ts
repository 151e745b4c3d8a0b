import { blandAdapter } from '../../src/testing/adapters/bland.js';
import { modelSuite } from './suite.js';

modelSuite(blandAdapter);
