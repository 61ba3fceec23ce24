import { defineMessages } from './define-messages';

/** The texts of the values domain. */
export const valuesMessages = defineMessages({}, {});
