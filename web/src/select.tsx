/** A labelled choice (react-aria Select) over a few fixed options. */
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import type { Key } from 'react-aria-components';

export interface Choice {
  readonly id: string;
  readonly label: string;
}

export function ChoiceField(props: {
  label: string;
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
}) {
  return (
    <Select
      className="field"
      selectedKey={props.value}
      onSelectionChange={(key: Key | null) => props.onChange(String(key ?? ''))}
    >
      <Label>{props.label}</Label>
      <Button className="input select">
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox">
          {props.choices.map((c) => (
            <ListBoxItem key={c.id} id={c.id} className="option" textValue={c.label}>
              {c.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}
