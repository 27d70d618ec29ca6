// Start page: only the language switch is dynamic.
import { setupLangSwitch } from './common.js';

setupLangSwitch(document.getElementById('lang'));
