import { depictaAdapter } from '../../src/providers/depicta/testing.js';
import { modelSuite } from './suite.js';

modelSuite(depictaAdapter);
