import { chartUnderFaults } from './charts.js';
import { faultRunSuite } from './suite.js';

faultRunSuite('Markdown2pdf', chartUnderFaults('markdown2pdf'));
