import { defineMessages } from './define-messages';

/** The texts of the alarms domain. */
export const alarmsMessages = defineMessages({}, {});
