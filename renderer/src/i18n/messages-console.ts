import { defineMessages } from './define-messages';

/** The texts of the console domain. */
export const consoleMessages = defineMessages({}, {});
