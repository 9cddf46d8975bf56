import type { ComponentServer } from '@stepflow/server-sdk';
import * as z from 'zod';

/** Input of `/text_stats`. */
export const TextStatsInputSchema = z.object({
  text: z.string().describe('The text to analyse'),
  top: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(3)
    .describe('How many of the most frequent words to return'),
});

/** Output of `/text_stats`. */
export const TextStatsOutputSchema = z.object({
  characters: z.number().int(),
  words: z.number().int(),
  lines: z.number().int(),
  sentences: z.number().int(),
  average_word_length: z.number(),
  top_words: z.array(z.object({ word: z.string(), count: z.number().int() })),
});

/** Output of `/text_stats`. */
export type TextStats = z.infer<typeof TextStatsOutputSchema>;

/** Counts characters, words, lines and sentences and finds the most frequent words. */
export function textStats(text: string, top = 3): TextStats {
  const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  const topWords = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([word, count]) => ({ word, count }));
  const letters = words.reduce((sum, word) => sum + word.length, 0);
  return {
    characters: [...text].length,
    words: words.length,
    lines: text === '' ? 0 : text.split(/\r?\n/).length,
    sentences: (text.match(/[^.!?]*[.!?]+/g) ?? []).filter((s) => s.trim() !== '').length,
    average_word_length: words.length === 0 ? 0 : Math.round((letters / words.length) * 100) / 100,
    top_words: topWords,
  };
}

/** Registers `/text_stats`: word, line and sentence counts of a text. */
export function addTextStats(server: ComponentServer): void {
  server.component(
    'text_stats',
    {
      description:
        'Counts characters, words, lines and sentences of a text and lists its most frequent words',
      input: TextStatsInputSchema,
      output: TextStatsOutputSchema,
    },
    ({ text, top }) => textStats(text, top),
  );
}
