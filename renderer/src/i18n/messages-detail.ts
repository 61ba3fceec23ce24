import { defineMessages } from './define-messages';

/** The texts of the detail domain. */
export const detailMessages = defineMessages({}, {});
