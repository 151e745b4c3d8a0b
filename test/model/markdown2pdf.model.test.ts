import { markdown2pdfAdapter } from '../../src/testing/adapters/markdown2pdf.js';
import { modelSuite } from './suite.js';

modelSuite(markdown2pdfAdapter);
