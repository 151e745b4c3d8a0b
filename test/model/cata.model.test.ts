import { cataAdapter } from '../../src/providers/cata/testing.js';
import { modelSuite } from './suite.js';

modelSuite(cataAdapter);
