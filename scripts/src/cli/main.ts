import { Command } from 'commander';
const program = new Command('lexbridge');
program.command('hello').action(() => console.log('hi'));
program.parseAsync(process.argv);
