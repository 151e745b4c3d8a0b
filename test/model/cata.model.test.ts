import { cataAdapter } from '../../src/testing/adapters/cata.js';
import { modelSuite } from './suite.js';

modelSuite(cataAdapter);
