import { z } from 'zod';
import { locales, themes, type Preferences } from '../../preload/contract';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

/** Chinese first, and dark: the duty room is dim at night. */
export const DEFAULT_PREFERENCES: Preferences = { locale: 'zh-CN', theme: 'dark' };

const storedSchema = z.object({
  locale: z.enum(locales).catch(DEFAULT_PREFERENCES.locale),
  theme: z.enum(themes).catch(DEFAULT_PREFERENCES.theme),
});

/** The operator's display preferences, kept in the data directory so every window and restart agrees. */
export class PreferencesStore {
  #current: Preferences;

  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void,
  ) {
    this.#current = this.#load();
  }

  get(): Preferences {
    return { ...this.#current };
  }

  update(patch: Partial<Preferences>): Preferences {
    // Absent and undefined fields keep their value (IPC's structured clone keeps `undefined` keys).
    const next: Preferences = {
      locale: patch.locale ?? this.#current.locale,
      theme: patch.theme ?? this.#current.theme,
    };
    writeJsonFileAtomic(this.file, next);
    this.#current = next;
    return this.get();
  }

  #load(): Preferences {
    try {
      const raw = readJsonFile(this.file);
      if (raw === undefined) return { ...DEFAULT_PREFERENCES };
      // A damaged value falls back to its default field by field: a bad theme must not cost the language.
      const parsed = storedSchema.safeParse(raw);
      return parsed.success ? parsed.data : { ...DEFAULT_PREFERENCES };
    } catch (error) {
      this.warn(`preferences ignored, defaults used: ${(error as Error).message}`);
      return { ...DEFAULT_PREFERENCES };
    }
  }
}
