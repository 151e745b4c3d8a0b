import { depictaAdapter } from '../../src/testing/adapters/depicta.js';
import { modelSuite } from './suite.js';

modelSuite(depictaAdapter);
