// One form open at a time on the Manage page: opening "New book" closes an author being edited.
// It keeps the page short at 390 px and every field and "Save" unambiguous by name. Closing a
// form puts the keyboard focus back on the button that opened it.
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";

interface EditorState {
  open: string | null;
  openEditor: (key: string) => void;
  close: () => void;
}

const EditorContext = createContext<EditorState | null>(null);

export function EditorProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<string | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (open === null && opener.current?.isConnected) opener.current.focus();
  }, [open]);
  const openEditor = (key: string) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen(key);
  };
  return <EditorContext.Provider value={{ open, openEditor, close: () => setOpen(null) }}>{children}</EditorContext.Provider>;
}

/** Whether the editor `key` (e.g. "new-author", "author:<id>") is the open one, and how to open or close it. */
export function useEditor(key: string) {
  const context = useContext(EditorContext);
  if (!context) throw new Error("useEditor needs an <EditorProvider>");
  const { open, openEditor, close } = context;
  return { isOpen: open === key, open: () => openEditor(key), close };
}
