import type { ItemDetail, QueueRow } from '../../../../preload/contract';

export interface ActionBarProps {
  row: QueueRow;
  /** The item's detail once read (claim, prompts, verification...), or null while it loads. */
  detail: ItemDetail | null;
}

/** The actions that apply to the item open in the detail pane, each with its key. (Being built: session 2.) */
export function ActionBar(_props: ActionBarProps) {
  return null;
}
