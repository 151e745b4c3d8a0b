import { markdown2pdfUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Markdown2pdf', markdown2pdfUnderFaults);
