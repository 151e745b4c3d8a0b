import { blandAdapter } from '../../src/providers/bland/testing.js';
import { modelSuite } from './suite.js';

modelSuite(blandAdapter);
