import { defineMessages } from './define-messages';

/** The texts of the actions domain. */
export const actionsMessages = defineMessages({}, {});
