/**
 * The alarm sound through the Web Audio API: each tone an oscillator with a short fade in and out (no click), no
 * audio file needed. Chromium lets a page start audio only after a user gesture (its autoplay policy), so the
 * context is created or resumed on the first key or click (`unlock`), and until then `state` says `locked` and
 * the screen asks for that gesture instead of pretending the alarm is audible.
 */
import type { AlarmSoundSink, SoundPattern } from './sound-scheduler';

export type AudioState = 'locked' | 'ready' | 'unsupported';

type AudioContextConstructor = new () => AudioContext;

function audioContextConstructor(): AudioContextConstructor | null {
  const scope = globalThis as {
    AudioContext?: AudioContextConstructor;
    webkitAudioContext?: AudioContextConstructor;
  };
  return scope.AudioContext ?? scope.webkitAudioContext ?? null;
}

const FADE_S = 0.015;
const VOLUME = 0.35;

export class WebAudioAlarmSink implements AlarmSoundSink {
  #context: AudioContext | null = null;
  readonly #listeners = new Set<() => void>();

  get state(): AudioState {
    if (audioContextConstructor() === null) return 'unsupported';
    return this.#context?.state === 'running' ? 'ready' : 'locked';
  }

  /** Call from a user gesture's handler: creates or resumes the audio context. */
  unlock(): void {
    const Constructor = audioContextConstructor();
    if (Constructor === null) return;
    try {
      if (!this.#context) {
        this.#context = new Constructor();
        this.#context.addEventListener('statechange', () => this.#changed());
      }
      if (this.#context.state === 'suspended') void this.#context.resume().then(() => this.#changed());
    } catch {
      // The browser refused (no audio device...): the state stays locked and the screen keeps saying so.
    }
    this.#changed();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  play(pattern: SoundPattern): void {
    const context = this.#context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime + 0.02;
    for (const tone of pattern.tones) {
      const at = start + tone.startMs / 1000;
      const end = at + tone.durationMs / 1000;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = pattern.level === 'red' ? 'square' : 'sine';
      oscillator.frequency.setValueAtTime(tone.frequencyHz, at);
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(VOLUME, at + FADE_S);
      gain.gain.setValueAtTime(VOLUME, end - FADE_S);
      gain.gain.linearRampToValueAtTime(0, end);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(end);
    }
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
