import { markdown2pdfAdapter } from '../../src/providers/markdown2pdf/testing.js';
import { modelSuite } from './suite.js';

modelSuite(markdown2pdfAdapter);
